-- The project list pages through any number of projects by keyset (the sort keys of the last row
-- shown): each sort and the year filter most lists carry have an index to walk.
CREATE INDEX projects_updated ON projects(updated_at, id);
CREATE INDEX projects_year_updated ON projects(year, updated_at, id);
CREATE INDEX projects_name ON projects(name, id);
CREATE INDEX projects_year_total ON projects(year, total_centi, id);
CREATE INDEX projects_total ON projects(total_centi, id);
CREATE INDEX projects_status_year ON projects(status, year);
-- A reviewer's usual narrowing: one year, one grade or status, then a sort.
CREATE INDEX projects_year_grade_total ON projects(year, grade, total_centi, id);
CREATE INDEX projects_year_status_updated ON projects(year, status, updated_at, id);
