-- A tiny source store for the publish tests: Alder (100001, 12 KS4 pupils,
-- 5 of them FSM6), Birch (100002, 8 KS4 pupils, 2 FSM6), Cedar (100003,
-- 6 pupils, in no group). Pupil ids start with ALD-, BIR- and CED-.
INSERT INTO school(urn, dfe_number, name, la_code, la_name, phase, type) VALUES
  (100001, 8374001, 'Alder School', 837, 'Northmoor', 'secondary', 'Academy'),
  (100002, 8374002, 'Birch School', 837, 'Northmoor', 'secondary', 'Community'),
  (100003, 8374003, 'Cedar School', 837, 'Northmoor', 'secondary', 'Community');
WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < 12)
INSERT INTO pupil(id, school, year, key_stage, gender, fsm6, eal, sen, prior_score, prior_band)
  SELECT printf('ALD-%02d', k), 100001, 2019, 4, CASE k % 2 WHEN 1 THEN 'F' ELSE 'M' END,
         k <= 5, k % 3 = 0, CASE WHEN k = 4 THEN 'K' ELSE 'N' END, 100 + k, 'M' FROM i;
WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < 8)
INSERT INTO pupil(id, school, year, key_stage, gender, fsm6, eal, sen, prior_score, prior_band)
  SELECT printf('BIR-%02d', k), 100002, 2019, 4, CASE WHEN k <= 4 THEN 'F' ELSE 'M' END,
         k <= 2, 0, 'N', 98 + k, 'M' FROM i;
WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i WHERE k < 6)
INSERT INTO pupil(id, school, year, key_stage, gender, fsm6, eal, sen)
  SELECT printf('CED-%02d', k), 100003, 2019, 4, 'F', 0, 0, 'N' FROM i;
INSERT INTO pupil_ks4(pupil, att8, att8_eng, att8_mat, att8_ebacc, att8_open,
                      basics4, basics5, ebacc_entry, ebacc_aps, ebacc4, ebacc5, entries)
  SELECT id,
         CASE school WHEN 100001 THEN 30 + 2 * CAST(substr(id, 5) AS INTEGER)
                     WHEN 100002 THEN 40 + CAST(substr(id, 5) AS INTEGER) ELSE 50 END,
         8, 8, 12, 12, CAST(substr(id, 5) AS INTEGER) % 2, 0, 0, 4.0, 0, 0, 8
  FROM pupil;
INSERT INTO result(pupil, subject, grade, points)
  SELECT id, 'MATHS', '5', 5 + CAST(substr(id, 5) AS INTEGER) % 3 FROM pupil;
INSERT INTO result(pupil, subject, grade, points)
  SELECT id, 'HISTORY', '4', 4 FROM pupil WHERE school = 100001 AND fsm6 = 0;
INSERT INTO attendance(pupil, sessions_possible, sessions_missed)
  SELECT id, 300, CAST(substr(id, 5) AS INTEGER) FROM pupil;
INSERT INTO national(year, indicator, filter, value, sd) VALUES
  (2019, 'att8', '', 46.7, 20),
  (2019, 'att8', 'fsm6=yes', 36.7, 19),
  (2019, 'att8', 'gender=female;fsm6=no', 50.1, 18),
  (2019, 'att8', 'ethnicity=white', 44.0, 20),
  (2019, 'att8', 'fsm6=maybe', 44.0, 20);
