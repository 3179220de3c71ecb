-- A bank of schema version 6 as ionsheet 0.1.0 made it (main at 273a0ed),
-- dumped with `sqlite3 b.db .dump`: `init --problems
-- tests/data/problems-test.xml`, a roster of three, `worksheet create week1
-- --problems t-nernst-k,t-nernst-k`, `generate week1 --no-pdf` (instances
-- with their JSON in `data`), `grade` (s001 filled in, s002 an empty file,
-- refused, s003 blank) and a drill (user ada). The dump does not hold the
-- application id and user_version: tests/unit/test_course.c sets them.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value BLOB NOT NULL
) STRICT;
INSERT INTO settings VALUES('secret',X'36b0ab7a77d17866f523f00f2f60933a26435d1705961e237b09de43551fd97f');
CREATE TABLE templates (
    id         TEXT PRIMARY KEY,
    topic      TEXT NOT NULL,
    difficulty INTEGER NOT NULL CHECK (difficulty BETWEEN 1 AND 3),
    title_en   TEXT NOT NULL,
    title_zh   TEXT,
    langs      TEXT NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1)
) STRICT;
INSERT INTO templates VALUES('t-nernst-k','nernst',1,'Potassium equilibrium potential','钾离子的平衡电位','en zh',1);
CREATE TABLE template_versions (
    template_id TEXT NOT NULL REFERENCES templates (id),
    version     INTEGER NOT NULL CHECK (version >= 1),
    hash        TEXT NOT NULL,
    source      TEXT NOT NULL,
    source_file TEXT NOT NULL,
    imported    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (template_id, version)
) STRICT;
INSERT INTO template_versions VALUES('t-nernst-k',1,'502405bbb7d1b6218bb87fa191e57d3ab1b92f7ce4e867f1fbadab8c974a85f2',replace('<?xml version="1.0" encoding="UTF-8"?>\n<problem xmlns="urn:ionsheet:problem:1" id="t-nernst-k" topic="nernst" difficulty="1">\n    <title xml:lang="en">Potassium equilibrium potential</title>\n    <title xml:lang="zh">钾离子的平衡电位</title>\n    <let name="EK" unit="mV">nernst(1, Ko, Ki, T)</let>\n    <param name="Ko" unit="mM" min="2" max="10" step="0.1"/>\n    <param name="Ki" unit="mM" min="100" max="160" step="1"/>\n    <param name="T" unit="C" values="20 25 37"/>\n    <require>Ki &gt; 10*Ko</require>\n    <text xml:lang="en">A neuron has [K<sup>+</sup>]<sub>o</sub> = {Ko} and\n      [K<sup>+</sup>]<sub>i</sub> = {Ki} at {T}.</text>\n    <text xml:lang="zh">神经元 [K<sup>+</sup>]<sub>o</sub> = {Ko}，[K<sup>+</sup>]<sub>i</sub> = {Ki}，温度 {T}。</text>\n    <part id="a" kind="numeric" unit="mV" tol-abs="0.5" points="2">\n      <text xml:lang="en">Calculate E<sub>K</sub>.</text>\n      <answer>EK</answer>\n      <mistake credit="0">nernst(1, Ki, Ko, T)\n        <feedback xml:lang="en">The ratio is [K]o/[K]i, not [K]i/[K]o.</feedback></mistake>\n      <mistake credit="0.5">EK/ln(10)\n        <feedback xml:lang="en">Use ln, not log10.</feedback></mistake>\n    </part>\n    <part id="b" kind="choice" points="1">\n      <text xml:lang="en">At V<sub>m</sub> = -70 mV, which way does K<sup>+</sup> current flow?</text>\n      <choice id="outward"/><choice id="inward"/><choice id="none"/>\n      <answer>direction(-70[mV], EK)</answer>\n    </part>\n    <part id="c" kind="mcq" points="1">\n      <text xml:lang="en">What sets the resting potential?</text>\n      <option id="leak" correct="1"><text xml:lang="en">Leak channels</text></option>\n      <option id="vg" correct="0"><text xml:lang="en">Voltage-gated channels</text></option>\n      <option id="pump" correct="0"><text xml:lang="en">Only the pump</text></option>\n    </part>\n    <hint xml:lang="en">Use the Nernst equation.</hint>\n    <solution xml:lang="en">E<sub>K</sub> = (RT/F) ln({Ko}/{Ki}) = {EK}</solution>\n  </problem>\n','\n',char(10)),'tests/data/problems-test.xml','2026-12-06T05:29:56Z');
CREATE TABLE courses (
    id      TEXT PRIMARY KEY,
    created TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
INSERT INTO courses VALUES('PHYS2','2026-12-06T05:29:56Z');
CREATE TABLE students (
    course_id TEXT NOT NULL REFERENCES courses (id),
    id        TEXT NOT NULL,
    name      TEXT NOT NULL,
    email     TEXT,
    withdrawn TEXT,
    PRIMARY KEY (course_id, id)
) STRICT;
INSERT INTO students VALUES('PHYS2','s001','Ada Li',NULL,NULL);
INSERT INTO students VALUES('PHYS2','s002','李华',NULL,NULL);
INSERT INTO students VALUES('PHYS2','s003','Omar',NULL,NULL);
CREATE TABLE worksheets (
    course_id TEXT NOT NULL REFERENCES courses (id),
    name      TEXT NOT NULL,
    title     TEXT NOT NULL,
    due       TEXT,
    created   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    feedback  TEXT NOT NULL DEFAULT 'immediate'
              CHECK (feedback IN ('immediate', 'after-due', 'never')),
    PRIMARY KEY (course_id, name)
) STRICT;
INSERT INTO worksheets VALUES('PHYS2','week1','week1',NULL,'2026-12-06T05:29:56Z','immediate');
CREATE TABLE worksheet_problems (
    course_id   TEXT NOT NULL,
    worksheet   TEXT NOT NULL,
    position    INTEGER NOT NULL CHECK (position >= 1),
    template_id TEXT NOT NULL,
    version     INTEGER NOT NULL,
    points      REAL CHECK (points IS NULL OR points >= 0),
    PRIMARY KEY (course_id, worksheet, position),
    FOREIGN KEY (course_id, worksheet) REFERENCES worksheets (course_id, name),
    FOREIGN KEY (template_id, version)
        REFERENCES template_versions (template_id, version)
) STRICT;
INSERT INTO worksheet_problems VALUES('PHYS2','week1',1,'t-nernst-k',1,NULL);
INSERT INTO worksheet_problems VALUES('PHYS2','week1',2,'t-nernst-k',1,NULL);
CREATE TABLE instances (
    worksheet   TEXT NOT NULL,
    course_id   TEXT NOT NULL,
    student_id  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    template_id TEXT NOT NULL,
    version     INTEGER NOT NULL,
    seed        INTEGER NOT NULL,
    data        TEXT NOT NULL,
    created     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (course_id, worksheet, student_id, position),
    FOREIGN KEY (course_id, worksheet) REFERENCES worksheets (course_id, name),
    FOREIGN KEY (course_id, student_id) REFERENCES students (course_id, id),
    FOREIGN KEY (course_id, worksheet, position)
        REFERENCES worksheet_problems (course_id, worksheet, position),
    FOREIGN KEY (template_id, version)
        REFERENCES template_versions (template_id, version)
) STRICT;
INSERT INTO instances VALUES('week1','PHYS2','s001',1,'t-nernst-k',1,1193298437829114567,'{"params":{"Ko":"9.5","Ki":"121","T":"37"},"lets":{"EK":-0.068005950624181397},"answers":{"a":-0.068005950624181397,"b":"inward","c":"B"}}','2026-12-06T05:29:56Z');
INSERT INTO instances VALUES('week1','PHYS2','s001',2,'t-nernst-k',1,7053318601633101192,'{"params":{"Ko":"8.9","Ki":"134","T":"37"},"lets":{"EK":-0.072477047446366683},"answers":{"a":-0.072477047446366683,"b":"outward","c":"C"}}','2026-12-06T05:29:56Z');
INSERT INTO instances VALUES('week1','PHYS2','s002',1,'t-nernst-k',1,1737224622724916541,'{"params":{"Ko":"7.5","Ki":"131","T":"37"},"lets":{"EK":-0.076446110789927343},"answers":{"a":-0.076446110789927343,"b":"outward","c":"A"}}','2026-12-06T05:29:56Z');
INSERT INTO instances VALUES('week1','PHYS2','s002',2,'t-nernst-k',1,743187863965972942,'{"params":{"Ko":"9.2","Ki":"132","T":"37"},"lets":{"EK":-0.07118908748046078},"answers":{"a":-0.07118908748046078,"b":"outward","c":"B"}}','2026-12-06T05:29:56Z');
INSERT INTO instances VALUES('week1','PHYS2','s003',1,'t-nernst-k',1,-1841928118906806942,'{"params":{"Ko":"2.7","Ki":"102","T":"25"},"lets":{"EK":-0.09330828017443292},"answers":{"a":-0.09330828017443292,"b":"outward","c":"A"}}','2026-12-06T05:29:56Z');
INSERT INTO instances VALUES('week1','PHYS2','s003',2,'t-nernst-k',1,6564069058461462791,'{"params":{"Ko":"7.4","Ki":"104","T":"25"},"lets":{"EK":-0.067903197381849217},"answers":{"a":-0.067903197381849217,"b":"inward","c":"B"}}','2026-12-06T05:29:56Z');
CREATE TABLE submissions (
    id          INTEGER PRIMARY KEY,
    worksheet   TEXT NOT NULL,
    course_id   TEXT NOT NULL,
    student_id  TEXT NOT NULL,
    source_file TEXT NOT NULL,
    hash        TEXT NOT NULL,
    received    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    status      TEXT NOT NULL DEFAULT 'graded'
                CHECK (status = 'graded' OR status = 'refused' OR status = 'conflict'),
    reason      TEXT,
    UNIQUE (course_id, worksheet, student_id, hash),
    FOREIGN KEY (course_id, worksheet) REFERENCES worksheets (course_id, name),
    FOREIGN KEY (course_id, student_id) REFERENCES students (course_id, id)
) STRICT;
INSERT INTO submissions VALUES(1,'week1','PHYS2','s001','s001.txt','d143677becdc324c8dae99c772ee7a1c600491c3378f10163798f576b5995e9d','2026-12-06T05:29:56Z','graded',NULL);
INSERT INTO submissions VALUES(2,'week1','PHYS2','s003','s003.txt','e25ae5531888f5844d6892c71409035fef970aeb820418e31723ce8786702665','2026-12-06T05:29:56Z','graded',NULL);
INSERT INTO submissions VALUES(3,'week1','PHYS2','s002','s002.txt','e61027421aa2d64dea3ad5624b8e650d302a4f7ef9c60e8033eaff8486d043f6','2026-12-06T05:29:56Z','refused','s002.txt: empty');
CREATE TABLE grades (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    part_id       TEXT NOT NULL,
    answer        TEXT,
    score         REAL NOT NULL,
    max_score     REAL NOT NULL CHECK (max_score >= 0),
    verdict       TEXT NOT NULL,
    feedback      TEXT,
    PRIMARY KEY (submission_id, part_id)
) STRICT;
INSERT INTO grades VALUES(1,'1a','-68.0059506241814',2.0,2.0,'right',NULL);
INSERT INTO grades VALUES(1,'1b','inward',1.0,1.0,'right',NULL);
INSERT INTO grades VALUES(1,'1c','B',1.0,1.0,'right',NULL);
INSERT INTO grades VALUES(1,'2a','12',0.0,2.0,'wrong',NULL);
INSERT INTO grades VALUES(1,'2b','outward',1.0,1.0,'right',NULL);
INSERT INTO grades VALUES(1,'2c',NULL,0.0,1.0,'blank',NULL);
INSERT INTO grades VALUES(2,'1a',NULL,0.0,2.0,'blank',NULL);
INSERT INTO grades VALUES(2,'1b',NULL,0.0,1.0,'blank',NULL);
INSERT INTO grades VALUES(2,'1c',NULL,0.0,1.0,'blank',NULL);
INSERT INTO grades VALUES(2,'2a',NULL,0.0,2.0,'blank',NULL);
INSERT INTO grades VALUES(2,'2b',NULL,0.0,1.0,'blank',NULL);
INSERT INTO grades VALUES(2,'2c',NULL,0.0,1.0,'blank',NULL);
CREATE TABLE drill_progress (
    user_name   TEXT NOT NULL,
    template_id TEXT NOT NULL REFERENCES templates (id),
    topic       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    right_first INTEGER NOT NULL DEFAULT 0,
    streak      INTEGER NOT NULL DEFAULT 0,
    last        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (user_name, template_id)
) STRICT;
INSERT INTO drill_progress VALUES('ada','t-nernst-k','nernst',1,0,0,'2026-12-06T05:29:56Z');
CREATE TABLE drill_attempts (
    id          INTEGER PRIMARY KEY,
    user_name   TEXT NOT NULL,
    template_id TEXT NOT NULL REFERENCES templates (id),
    seed        INTEGER NOT NULL,
    right_first INTEGER NOT NULL CHECK (right_first IN (0, 1)),
    at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
) STRICT;
INSERT INTO drill_attempts VALUES(1,'ada','t-nernst-k',3606172489,0,'2026-12-06T05:29:56Z');
CREATE INDEX templates_by_topic ON templates (topic, id);
CREATE INDEX worksheets_by_name ON worksheets (name);
CREATE INDEX submissions_by_time ON submissions
    (course_id, worksheet, student_id, received, id);
COMMIT;
