-- Statistics (DOMAIN.md §1, §11): figures maintained as children change, so dashboards read a
-- few rows instead of counting millions; monthly history for trends; monitoring rounds with the
-- snapshot that makes their changes exact.

-- Each child's contribution to the figures ("class:migrant" 1, "entitlements:entitled" 5 …),
-- replaced on every recomputation; the region totals below change by the difference.
CREATE TABLE child_figures (
  child_id INTEGER PRIMARY KEY REFERENCES children(id),
  province_code TEXT NOT NULL,
  region_code TEXT NOT NULL,
  figures TEXT NOT NULL               -- ' key=value key=value ', keys sorted, no zeros; searchable by ' key='
) STRICT;
CREATE INDEX child_figures_region ON child_figures(region_code);

-- Totals for every region at every level (province, city, county, township, village).
CREATE TABLE region_figures (
  region_code TEXT NOT NULL,
  key TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (region_code, key)
) STRICT, WITHOUT ROWID;

-- The totals as they stood at the end of each month (and at each round's close), for trends.
CREATE TABLE figure_history (
  period TEXT NOT NULL,               -- YYYY-MM
  region_code TEXT NOT NULL,
  key TEXT NOT NULL,
  value INTEGER NOT NULL,
  PRIMARY KEY (period, region_code, key)
) STRICT, WITHOUT ROWID;
-- A region's trend (all its periods) without scanning every period's rows.
CREATE INDEX figure_history_region ON figure_history(region_code, period);

-- What changes with the date alone (a birthday crossing an age line, six months of residence, a
-- visit or case falling due) is found through these and recomputed each day.
CREATE INDEX children_birth_date ON children(birth_date);
CREATE INDEX children_residence_since ON children(residence_since) WHERE residence_since IS NOT NULL;
CREATE INDEX care_status_visit_due ON care_status(visit_due) WHERE visit_due != '';
CREATE INDEX care_status_last_update ON care_status(last_update);
CREATE INDEX cases_deadline ON cases(deadline) WHERE deadline != '';
CREATE INDEX referrals_due ON referrals(due_date);

-- Monitoring rounds (监测摸排): a county opens one, its villages confirm their lists, the county
-- closes it; the snapshot taken at close is compared with the previous round's.
CREATE TABLE monitoring_rounds (
  id INTEGER PRIMARY KEY,
  county_code TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL,               -- open closed
  opened_on TEXT NOT NULL,
  due_on TEXT NOT NULL,
  opened_by_name TEXT NOT NULL,
  closed_at TEXT NOT NULL,            -- UTC timestamp; '' while open
  closed_on TEXT NOT NULL,            -- the date ages and classes were taken at; '' while open
  closed_by_name TEXT NOT NULL,
  previous_round_id INTEGER REFERENCES monitoring_rounds(id),  -- the county's last closed round
  child_watermark INTEGER NOT NULL,   -- highest child id at close: higher ids registered since
  summary TEXT NOT NULL               -- JSON counts of the changes, written at close
) STRICT;
CREATE INDEX monitoring_rounds_county ON monitoring_rounds(county_code, id);
-- At most one open round per county, whatever the timing of two requests.
CREATE UNIQUE INDEX monitoring_rounds_one_open ON monitoring_rounds(county_code) WHERE status = 'open';

CREATE TABLE round_confirmations (
  round_id INTEGER NOT NULL REFERENCES monitoring_rounds(id),
  village_code TEXT NOT NULL,
  confirmed_at TEXT NOT NULL,
  confirmed_by_name TEXT NOT NULL,
  children INTEGER NOT NULL,          -- the village's count when confirmed
  note TEXT NOT NULL,
  PRIMARY KEY (round_id, village_code)
) STRICT, WITHOUT ROWID;

-- Every child of the county when the round closed, and how it changed since the previous round.
CREATE TABLE round_snapshots (
  round_id INTEGER NOT NULL REFERENCES monitoring_rounds(id),
  child_id INTEGER NOT NULL,
  region_code TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  classes INTEGER NOT NULL,           -- bit i set: the child was in AllChildClasses()[i]
  changes INTEGER NOT NULL,           -- bits of RoundChange: new, moved in, aged out, class changed, unconfirmed
  PRIMARY KEY (round_id, child_id)
) STRICT, WITHOUT ROWID;
-- A village's or township's rows of a round (change lists are read by region).
CREATE INDEX round_snapshots_region ON round_snapshots(round_id, region_code);
