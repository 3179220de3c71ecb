"""Answer files as students hand them in (issue 14), written from a
generated key so that every answer is right, for tests/e2e/handed_in.sh:
python3 handed_in.py KEY.xml DIR. Not a test itself."""
import os
import re
import sys
import zipfile

key, out = sys.argv[1], sys.argv[2]
xml = open(key, encoding='utf-8').read()


def value(sid, part):
    """The key's value of part for student sid: a number, a choice id or a letter."""
    i = xml.index('<student id="%s"' % sid)
    j = xml.index('</student>', i)
    m = re.search(r'<part id="%s" kind="\w+" value="([^"]*)"' % part, xml[i:j])
    return m.group(1)


def num(sid, part, nd=1):
    return round(float(value(sid, part)), nd)


def whole(sid, part):
    """Rounded once, to a whole number (rounding a rounded number can cross 0.5)."""
    return round(float(value(sid, part)))


def sci(v):
    """v as a mantissa of four digits times a power of ten: 1.503×10^1."""
    e = len(str(int(abs(v)))) - 1
    return '%.3f×10^%d' % (v / 10 ** e, e)


os.makedirs(out, exist_ok=True)
full_width = str.maketrans('0123456789.-', '０１２３４５６７８９．－')
movement = {'in': 'into the cell', 'out': 'out of the cell', 'none': 'none'}
chinese = {'outward': '外向', 'inward': '内向', 'none': 'none'}

# s01: Notepad's "Unicode" (UTF-16 LE with a BOM, CRLF): full-width digits,
# labels, mmol/l, mol/L, approximations, a blank after the minus, and (5c)
# computed from its own rounded (5a) and (5b).
b5 = num('s01', '5b')
lines = ['worksheet: wk', 'student: s01',
         '1a = ' + ('%.1f' % num('s01', '1a')).translate(full_width) + ' mv.',
         '1b) ' + value('s01', '1b').capitalize(),
         '2a: %.1f mmol/l' % num('s01', '2a'),
         '2b: %.4f mol/L' % (num('s01', '2b', 2) / 1000),
         '3a: ≈ %.1f mV' % num('s01', '3a'),
         '3b: %s current' % value('s01', '3b'),
         '3c) ' + movement[value('s01', '3c')],
         '4a: (%s)' % value('s01', '4a'),
         '5a: approx %d' % whole('s01', '5a'),
         ('5b: - %.1f mV' % -b5) if b5 < 0 else ('5b: %.1f mV' % b5),
         '5c: %.1f' % (whole('s01', '5b') - whole('s01', '5a'))]
open(out + '/s01.txt', 'wb').write(b'\xff\xfe' + ('\r\n'.join(lines) + '\r\n').encode('utf-16-le'))

# s02: Chinese units and words, powers of ten, a tilde, a full stop.
lines = ['worksheet: wk', 'student: s02',
         '1a: %.1f 毫伏' % num('s02', '1a'),
         '1b: ' + chinese[value('s02', '1b')],
         '2a: %.1f 毫摩尔/升' % num('s02', '2a'),
         '2b: %.1f 毫摩/升' % num('s02', '2b'),
         '3a: %s mV' % sci(num('s02', '3a', 2)),
         '3b: %s' % value('s02', '3b').upper(),
         '3c: %s' % value('s02', '3c'),
         '4a: %s' % value('s02', '4a').lower(),
         '5a: ~%.1f' % num('s02', '5a'),
         '5b: %.1f mV.' % num('s02', '5b'),
         '5c: %.2f' % num('s02', '5c', 2)]
open(out + '/s02.txt', 'w', encoding='utf-8').write('\n'.join(lines) + '\n')

# s03: a Word document saved as s03.txt (a real .docx: a zip).
with zipfile.ZipFile(out + '/s03.txt', 'w') as z:
    z.writestr('[Content_Types].xml', '<?xml version="1.0"?><Types xmlns='
               '"http://schemas.openxmlformats.org/package/2006/content-types"/>')
    z.writestr('word/document.xml', '<?xml version="1.0"?><w:document xmlns:w='
               '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
               '<w:t>student: s03 1a: -76</w:t></w:r></w:p></w:body></w:document>')

# s04 and s05: a German Excel's "CSV UTF-8": a BOM, semicolons, decimal
# commas, CRLF, a quoted name holding a semicolon.
def de(v):
    return ('%.1f' % v).replace('.', ',')


rows = ['Student;Name;1a;1b;2a;2b;3a;3b;3c;4a;5a;5b;5c']
for sid in ('s04', 's05'):
    rows.append(';'.join([sid, '"Nach; Name"', de(num(sid, '1a')), value(sid, '1b'), de(num(sid, '2a')),
                          de(num(sid, '2b')), de(num(sid, '3a')), value(sid, '3b'), value(sid, '3c'),
                          value(sid, '4a'), de(num(sid, '5a')), de(num(sid, '5b')), de(num(sid, '5c'))]))
open(out + '/klasse.csv', 'wb').write(b'\xef\xbb\xbf' + '\r\n'.join(rows).encode() + b'\r\n')

# s06: 1a twice, two roundings in two units (one reading: right); 2a twice,
# 20 mM apart (ambiguous: invalid).
lines = ['worksheet: wk', 'student: s06', '1a: %.1f' % num('s06', '1a'),
         '1a: %.5f V' % (num('s06', '1a', 2) / 1000), '2a: %.1f' % num('s06', '2a'),
         '2a: %.1f' % (num('s06', '2a') + 20)]
open(out + '/s06.txt', 'w').write('\n'.join(lines) + '\n')

# s07: UTF-16 without a byte order mark, which no reader can tell.
open(out + '/s07.txt', 'wb').write('worksheet: wk\nstudent: s07\n1a: -70\n'.encode('utf-16-le'))
