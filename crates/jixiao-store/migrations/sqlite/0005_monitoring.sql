-- 运行监控: a finance bureau opens a round (data to the end of a month) over the organisations under
-- `org_id`; every approved declaration of that year in scope gets a report (监控表) prefilled from its
-- approved goals. Reports follow the self-evaluation's workflow (draft → submitted → returned | approved).
CREATE TABLE monitor_rounds (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    year BIGINT NOT NULL,
    month BIGINT NOT NULL,
    -- YYYY-MM-DD
    due TEXT NOT NULL,
    title TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL
);

CREATE TABLE monitor_reports (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES monitor_rounds(id),
    declaration_id BIGINT NOT NULL REFERENCES declarations(id),
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    revision BIGINT NOT NULL,
    -- The lights as last computed (for the overview to sort on): green / yellow / red.
    light TEXT NOT NULL,
    execution_light TEXT NOT NULL,
    -- Execution against the pace, in hundredths of a percent; NULL when nothing is expected yet.
    execution_ratio_centi BIGINT,
    -- The reviewer's decision on a red project: continue / adjust / suspend / recover ('' none).
    decision TEXT NOT NULL DEFAULT '',
    decision_note TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES users(id)
);
CREATE INDEX monitor_reports_round ON monitor_reports(round_id);
CREATE INDEX monitor_reports_declaration ON monitor_reports(declaration_id);

CREATE TABLE monitor_report_revisions (
    report_id BIGINT NOT NULL REFERENCES monitor_reports(id),
    number BIGINT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (report_id, number)
);

-- 整改: an item to correct, raised from a finding, a comment or a red light, followed to its end.
CREATE TABLE rectifications (
    id INTEGER PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    year BIGINT NOT NULL,
    -- The project (name) it concerns; the self-evaluation or declaration when raised from one.
    project TEXT NOT NULL,
    project_id BIGINT REFERENCES projects(id),
    report_id BIGINT REFERENCES monitor_reports(id),
    -- finding / comment / light, and what it was (a finding's code, …).
    source TEXT NOT NULL,
    source_ref TEXT NOT NULL,
    title TEXT NOT NULL,
    measure TEXT NOT NULL,
    owner TEXT NOT NULL,
    -- YYYY-MM-DD
    deadline TEXT NOT NULL,
    -- open / reported / closed
    status TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX rectifications_org ON rectifications(org_id, year);

-- What happened to an item: raised, progress reported (with evidence), closed, sent back.
CREATE TABLE rectification_events (
    id INTEGER PRIMARY KEY,
    rectification_id BIGINT NOT NULL REFERENCES rectifications(id),
    author_id BIGINT NOT NULL REFERENCES users(id),
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX rectification_events_item ON rectification_events(rectification_id);

-- Evidence attached to a progress report; the file's bytes as hex text (the backup format is text).
CREATE TABLE rectification_files (
    id INTEGER PRIMARY KEY,
    event_id BIGINT NOT NULL REFERENCES rectification_events(id),
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX rectification_files_event ON rectification_files(event_id);
