-- 绩效目标: a project-year's declared goals, reviewed unit → department → finance bureau. Every state is
-- a row of declaration_revisions; `baseline` is the revision approved last (the goals the year-end
-- self-evaluation is measured against), NULL until the first approval.
CREATE TABLE declarations (
    id BIGSERIAL PRIMARY KEY,
    org_id BIGINT NOT NULL REFERENCES orgs(id),
    name TEXT NOT NULL,
    year BIGINT NOT NULL,
    status TEXT NOT NULL,
    revision BIGINT NOT NULL,
    baseline BIGINT,
    -- After a 良 review the unit revises and the declaration goes on to this status without a second
    -- review at that level ('' otherwise).
    resume TEXT NOT NULL DEFAULT '',
    -- The reason of an adjustment in progress ('' when none): a change after approval.
    adjustment TEXT NOT NULL DEFAULT '',
    review_grade TEXT NOT NULL DEFAULT '',
    -- The year-end self-evaluation that started from these goals.
    project_id BIGINT REFERENCES projects(id),
    updated_at BIGINT NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES users(id)
);
CREATE INDEX declarations_org_year ON declarations(org_id, year);
CREATE INDEX declarations_org_name ON declarations(org_id, name);
CREATE INDEX declarations_project ON declarations(project_id);

CREATE TABLE declaration_revisions (
    declaration_id BIGINT NOT NULL REFERENCES declarations(id),
    number BIGINT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    action TEXT NOT NULL,
    status TEXT NOT NULL,
    -- The review grade (优 良 中 差) of a review, '' otherwise.
    grade TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (declaration_id, number)
);

-- Reviewers' comments, on the whole declaration or one indicator (its index).
CREATE TABLE declaration_comments (
    id BIGSERIAL PRIMARY KEY,
    declaration_id BIGINT NOT NULL REFERENCES declarations(id),
    revision BIGINT NOT NULL,
    author_id BIGINT NOT NULL REFERENCES users(id),
    indicator BIGINT,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX declaration_comments_declaration ON declaration_comments(declaration_id);

-- Indicator library entries added to the built-in library: proposed by a department, approved (or
-- not) by the finance bureau. `data` is a jixiao_core::library::LibraryEntry as JSON.
CREATE TABLE library_entries (
    id BIGSERIAL PRIMARY KEY,
    status TEXT NOT NULL,
    data TEXT NOT NULL,
    proposed_by BIGINT NOT NULL REFERENCES users(id),
    proposed_at BIGINT NOT NULL,
    decided_by BIGINT REFERENCES users(id),
    decided_at BIGINT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX library_entries_status ON library_entries(status);
