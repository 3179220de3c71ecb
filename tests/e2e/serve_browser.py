#!/usr/bin/env python3
"""ionsheet serve in a real browser (Debian's chromium and chromium-driver,
headless, through python3-selenium): a student opens their link, fills every
answer, submits and sees the verdicts; the drill; the instructor's gradebook.
Screenshots at desktop width and at 360 px, in English and Chinese, go to
argv[4] (tests/e2e/serve_browser.sh keeps them for a person to look at).

usage: serve_browser.py BASE_URL INSTRUCTOR_URL WORK_DIR SHOT_DIR"""
import csv
import os
import sys
import xml.etree.ElementTree as ET

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

base, instructor, work, shots = sys.argv[1:5]
failures = []


def no(msg):
    print('FAIL: ' + msg)
    failures.append(msg)


def browser(width, height, lang='en-US'):
    o = webdriver.ChromeOptions()
    o.binary_location = '/usr/bin/chromium'
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
              '--window-size=%d,%d' % (width, height), '--lang=' + lang, '--hide-scrollbars'):
        o.add_argument(a)
    o.add_experimental_option('prefs', {'intl.accept_languages': lang})
    o.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
    d = webdriver.Chrome(service=Service('/usr/bin/chromedriver'), options=o)
    d.set_page_load_timeout(20)
    return d


def shot(d, name):
    # nothing refused on the way (a CSP violation, a missing resource)
    for e in d.get_log('browser'):
        if e['level'] == 'SEVERE' and 'favicon.ico' not in e['message']:
            no('%s: the browser console says %s' % (name, e['message']))
    # the whole page: as tall as its content
    h = d.execute_script('return document.documentElement.scrollHeight')
    w = d.execute_script('return window.innerWidth')
    d.set_window_size(max(w, 360), min(h + 120, 4000))
    d.save_screenshot(os.path.join(shots, name + '.png'))


def fits(d, what):
    over = d.execute_script('return document.documentElement.scrollWidth - window.innerWidth')
    if over > 1:
        no('%s is %d px wider than the window' % (what, over))


links = {r['student']: r['url'] for r in csv.DictReader(open(os.path.join(work, 'w1', 'links.csv')))}
key = ET.parse(os.path.join(work, 'w1', 'key.xml')).getroot()
ns = key.tag.split('}')[0] + '}'
student = [s for s in key.iter(ns + 'student') if s.get('id') == 's001'][0]
parts = list(student.iter(ns + 'part'))

# ---- the student: every answer typed or clicked, submitted, verdicts ----
d = browser(1280, 900)
try:
    d.get(links['s001'])
    if d.find_element(By.TAG_NAME, 'html').get_attribute('lang') != 'en':
        no('student page not in English')
    for p in parts:
        pid = p.get('id')
        if p.get('kind') == 'numeric':
            box = d.find_element(By.NAME, pid)
            label = d.find_element(By.CSS_SELECTOR, 'label[for="%s"]' % box.get_attribute('id'))
            if not label.text.startswith(pid):
                no('label of %s: %r' % (pid, label.text))
            box.send_keys('%.4g %s' % (float(p.get('value')), p.get('unit', '')))
        else:
            value = p.get('value')
            radios = [r for r in d.find_elements(By.NAME, pid) if r.get_attribute('value').lower() == value.lower()]
            if not radios:
                no('no radio button %s=%s' % (pid, value))
                continue
            # a click on the label text, as a person does
            radios[0].find_element(By.XPATH, '..').click()
            if not radios[0].is_selected():
                no('clicking the label of %s did not select it' % pid)
    shot(d, 'student-filled-desktop-en')
    d.set_window_size(1280, 900)
    d.find_element(By.CSS_SELECTOR, 'button[type=submit]').click()
    WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, '.note')))
    right = d.find_elements(By.CSS_SELECTOR, '.verdict.right')
    if len(right) != len(parts):
        no('%d of %d verdicts right after submitting' % (len(right), len(parts)))
    if 'received' not in d.find_element(By.CSS_SELECTOR, '.note').text:
        no('no "received" note')
    shot(d, 'student-verdicts-desktop-en')
finally:
    d.quit()

# ---- Chinese and a 360-px phone ----
for lang, accept in (('zh', 'zh-CN'), ('en', 'en-US')):
    d = browser(360, 740, accept)
    try:
        d.get(links['s002'])
        if d.find_element(By.TAG_NAME, 'html').get_attribute('lang') != ('zh-Hans' if lang == 'zh' else 'en'):
            no('Accept-Language %s not followed' % accept)
        if lang == 'zh' and '提交答案' not in d.page_source:
            no('no Chinese on the phone page')
        fits(d, 'the %s student page on a 360-px phone' % lang)
        box = d.find_element(By.CSS_SELECTOR, 'input[type=text]')
        if box.size['width'] < 150:
            no('answer box only %d px wide on a phone' % box.size['width'])
        shot(d, 'student-phone-' + lang)
    finally:
        d.quit()

# ---- the drill: a topic, a wrong answer, the verdict and the hint ----
d = browser(1280, 900)
try:
    d.get(base + '/drill')
    Select(d.find_element(By.ID, 'topic')).select_by_value('nernst')
    d.find_element(By.CSS_SELECTOR, 'form[method=get] button').click()
    # the click may return before the next page is there
    meta = WebDriverWait(d, 10).until(
        EC.presence_of_element_located((By.CSS_SELECTOR, '.problem .meta')))
    if 'seed' not in meta.text:
        no('drill problem without its template and seed')
    first = d.find_element(By.CSS_SELECTOR, '.problem input[type=text]')
    first.send_keys('123456')
    d.find_element(By.CSS_SELECTOR, 'form[method=post] button').click()
    WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, '.verdict')))
    verdicts = d.find_elements(By.CSS_SELECTOR, '.verdict')
    if 'wrong' not in verdicts[0].get_attribute('class'):
        no('123456 was not wrong in the drill')
    if 'Hint' not in d.page_source:
        no('no hint after a wrong try')
    shot(d, 'drill-desktop-en')
    # the second wrong try: the session's rules end the part with the
    # answer and the worked solution, and the box is read-only
    first = d.find_element(By.CSS_SELECTOR, '.problem input[type=text]')
    first.clear()
    first.send_keys('123456')
    d.find_element(By.CSS_SELECTOR, 'form[method=post] button').click()
    WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, 'input[readonly]')))
    if 'The answer is' not in d.page_source:
        no('no answer after the second wrong try in the drill')
    shot(d, 'drill-solution-desktop-en')
    d.get(base + '/drill?lang=zh&topic=ghk')
    if '检查' not in d.page_source:
        no('the drill in Chinese')
    chosen = Select(d.find_element(By.ID, 'topic')).first_selected_option
    if chosen.text != 'GHK 电压方程' or chosen.get_attribute('value') != 'ghk':
        no('the drill\'s topic in Chinese: %r (%r)' % (chosen.text, chosen.get_attribute('value')))
    shot(d, 'drill-desktop-zh')
    # a student's drill: the progress table names the topics (topic.*)
    d.get(links['s001'] + '/drill?lang=zh')
    first = [r.text for r in d.find_elements(By.CSS_SELECTOR, 'tbody tr td:first-child')]
    if '能斯特电位' not in first:
        no('the Chinese progress table\'s topics: %s' % first)
    shot(d, 'drill-student-zh')
finally:
    d.quit()

# ---- the instructor: link, cookie, gradebook ----
d = browser(1280, 900)
try:
    d.get(instructor)
    if not d.current_url.endswith('/instructor'):
        no('instructor link did not land on /instructor: ' + d.current_url)
    d.find_element(By.PARTIAL_LINK_TEXT, 'w1').click()
    WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, 'tbody')))
    rows = d.find_elements(By.CSS_SELECTOR, 'tbody tr')
    if len(rows) != len(links):
        no('gradebook has %d rows for %d students' % (len(rows), len(links)))
    s001 = [r for r in rows if r.text.startswith('s001')]
    if not s001 or '100.0' not in s001[0].text:
        no('s001 not at 100%% in the gradebook: %s' % (s001[0].text if s001 else 'no row'))
    if not d.find_elements(By.CSS_SELECTOR, 'svg rect'):
        no('no histogram')
    hidden = d.execute_script("var t = document.querySelector('table.book'); return t.scrollWidth - t.clientWidth")
    if hidden > 1:
        no('the gradebook hides %d px behind a scroll bar at 1280 px' % hidden)
    shot(d, 'instructor-desktop-en')
    d.set_window_size(1280, 900)
    link = d.find_element(By.LINK_TEXT, 's001')
    link.click()
    WebDriverWait(d, 10).until(EC.staleness_of(link))  # the gradebook has an h2 too
    WebDriverWait(d, 10).until(EC.presence_of_element_located((By.CSS_SELECTOR, 'h2')))
    if 'web' not in d.page_source:
        no('history does not show the web submission')
    home = d.current_url.split('/instructor')[0] + '/instructor'
    d.get(home + '?lang=zh')
    shot(d, 'instructor-home-zh')
    # the gradebook's cells in the reader's language (verdict.* glosses)
    d.set_window_size(1280, 900)
    d.get(home + '/w1?lang=zh')
    cells = [c.text for c in d.find_elements(By.CSS_SELECTOR, 'table.book td.missing')]
    if not cells or set(cells) != {'未提交'}:
        no('the Chinese gradebook\'s missing cells: %s' % sorted(set(cells)))
    shot(d, 'instructor-desktop-zh')
finally:
    d.quit()

if failures:
    sys.exit(1)
print('serve_browser: all checks passed (screenshots in %s)' % shots)
