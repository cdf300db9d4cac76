-- A group store made by hand: every figure chosen so that one finding
-- triggers and its neighbour does not (see test_analysis.c for the sums).
INSERT OR REPLACE INTO meta VALUES ('group_id','g'),('group_name','Test group'),
  ('min_cohort','6'),('league_tables','1');
INSERT INTO indicator VALUES
  ('p8',0,'Progress 8','P8','pupil',4,'mean',2,1,'higher','national_sd',1),
  ('basics4',1,'Grade 4+ in English and maths','EM 4+','pupil',4,'percent',1,0,'higher','binomial',1),
  ('grade4',2,'Entries graded 4 or above','4+','result',4,'percent',1,0,'higher','binomial',0);
INSERT INTO dimension VALUES ('fsm6',0,'f','Disadvantaged (FSM6)',1);
INSERT INTO dim_value VALUES ('fsm6',0,'yes','FSM6'),('fsm6',1,'no','Not FSM6');
INSERT INTO school(urn, name, has_pupil_data, ord) VALUES
  (100001,'Alpha School',1,0),(100002,'Beta School',1,1),(100003,'Gamma School',1,2),
  (100004,'Delta School',0,3);
INSERT INTO subject(code, name, ebacc_pillar) VALUES
  ('phy','Physics','science'),('his','History','humanities');
INSERT INTO school_context VALUES
  (100001,2019,4,100,20,10,12,105),(100002,2019,4,100,40,30,12,100),
  (100003,2019,4,5,22,28,30,90);
-- national: P8 0 (sd 1.28) for all pupils and each FSM6 value; EM 4+ 60; 4+ 70
INSERT INTO national SELECT y, 'p8', k, 0, 1.28 FROM (SELECT 2017 y UNION SELECT 2018
  UNION SELECT 2019), (SELECT 0 k UNION SELECT 1 UNION SELECT 2);
INSERT INTO national SELECT y, 'basics4', 0, 60, NULL FROM (SELECT 2017 y UNION SELECT 2018
  UNION SELECT 2019);
-- EM 4+ of FSM6 pupils nationally 75 (2019: the group's 60 of 100 is below),
-- of the others 70 (the group's 70 is not).
INSERT INTO national VALUES (2019,'basics4',1,75,NULL),(2019,'basics4',2,70,NULL);
INSERT INTO national SELECT y, 'grade4', 0, 70, NULL FROM (SELECT 2017 y UNION SELECT 2018
  UNION SELECT 2019);
CREATE TABLE agg_pupil(scope INTEGER, year INTEGER, key_stage INTEGER, fkey INTEGER,
  n INTEGER NOT NULL, p8_n INTEGER, p8_s1 REAL, p8_s2 REAL, basics4_n INTEGER,
  basics4_s1 REAL, basics4_s2 REAL, PRIMARY KEY (scope, year, key_stage, fkey)) WITHOUT ROWID;
-- P8 of n pupils with mean m and sd 1.2: s1 = n m, s2 = n (1.44 + m^2).
-- Alpha: +0.50 (n 100) each year: half-width 1.96 * 1.28 / 10 = 0.25, above.
-- Beta: +0.50, +0.10 (not significant), +0.30 (above, 70th percentile).
-- Gamma: +3.00 with 5 pupils: significant, but under min_cohort.
INSERT INTO agg_pupil VALUES
  (100001,2017,4,0,100,100,50,169,100,60,0),(100001,2018,4,0,100,100,50,169,100,60,0),
  (100001,2019,4,0,100,100,50,169,100,60,0),
  (100002,2017,4,0,100,100,50,169,100,60,0),(100002,2018,4,0,100,100,10,145,100,60,0),
  (100002,2019,4,0,100,100,30,153,100,60,0),
  (100003,2017,4,0,5,5,15,52.2,5,3,0),(100003,2018,4,0,5,5,15,52.2,5,3,0),
  (100003,2019,4,0,5,5,15,52.2,5,3,0),
-- group: EM 4+ 50/100 in 2018 to 65/100 in 2019 (z = 15 / sqrt(25 + 22.75) = 2.17: a rise)
  (0,2017,4,0,205,205,115,365,205,123,0),(0,2018,4,0,205,205,75,341,100,50,0),
  (0,2019,4,0,205,205,95,349,100,65,0),
-- FSM6 (fkey 1) and not (fkey 2): EM 4+ gap 70-40 = 30 in 2018, 70-60 = 10 in 2019:
-- z = (10 - 30) / sqrt(45 + 45) = -2.11, narrowed. P8 gap 0.40 to 0.35: not significant.
  (0,2018,4,1,100,100,-30,153,100,40,0),(0,2018,4,2,100,100,10,145,100,70,0),
  (0,2019,4,1,100,100,-25,150.25,100,60,0),(0,2019,4,2,100,100,10,145,100,70,0);
CREATE TABLE agg_subject(scope INTEGER, year INTEGER, subject TEXT, fkey INTEGER,
  n INTEGER NOT NULL, grade4_n INTEGER, grade4_s1 REAL, grade4_s2 REAL,
  PRIMARY KEY (scope, year, subject, fkey)) WITHOUT ROWID;
-- Physics 4+: 50% of 100 in 2018 and 2019 (interval 40.4..59.6 < 70): below twice.
-- History: 69% in 2018 (not significant), 50% in 2019.
INSERT INTO agg_subject VALUES
  (0,2018,'phy',0,100,100,50,0),(0,2019,'phy',0,100,100,50,0),
  (0,2018,'his',0,100,100,69,0),(0,2019,'his',0,100,100,50,0);
-- Delta has no pupil data: its DfE figures, and England's P8.
INSERT INTO dfe_school VALUES
  (2019,100004,'ks4_pupils',150,NULL),(2019,100004,'p8',-0.6,NULL),
  (2019,100004,'p8_cilow',-0.8,NULL),(2019,100004,'p8_ciupp',-0.4,NULL),
  (2019,100004,'fsm6_pct',30,NULL),(2019,100004,'eal_pct',12.5,NULL),
  (2019,0,'p8',-0.03,NULL);
-- England's schools' P8 in 2019: 40 at -1.0, 30 at 0.0, 20 at 0.4, 10 at 0.5.
CREATE TABLE dfe_dist(year INTEGER NOT NULL, measure TEXT NOT NULL, value REAL NOT NULL,
  n INTEGER NOT NULL, cum INTEGER NOT NULL, PRIMARY KEY (year, measure, value)) WITHOUT ROWID;
INSERT INTO dfe_dist VALUES (2019,'p8',-1.0,40,40),(2019,'p8',0.0,30,70),
  (2019,'p8',0.4,20,90),(2019,'p8',0.5,10,100);
