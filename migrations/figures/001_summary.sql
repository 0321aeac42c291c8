-- The daily summary of the figures (docs/figures.md, "Daily summary"): what each series provider
-- (cap_figure_t of kind CAP_FIG_SERIES) answered for a whole local day, unfiltered, per office and
-- channel, kept by the job figures.summary and read by the statistics pages for the days it
-- holds. Owned by src/figures/. Days are local dates 'YYYY-MM-DD' (Europe/Madrid); times are Unix
-- seconds (UTC).

-- A provider's counts of one day, office and channel ('' when the provider gives none); v0..v5
-- are its measures in the order of its columns.
CREATE TABLE fg_daily (
	figure TEXT NOT NULL,
	day TEXT NOT NULL,
	office TEXT NOT NULL,
	channel TEXT NOT NULL,
	v0 BIGINT NOT NULL DEFAULT 0,
	v1 BIGINT NOT NULL DEFAULT 0,
	v2 BIGINT NOT NULL DEFAULT 0,
	v3 BIGINT NOT NULL DEFAULT 0,
	v4 BIGINT NOT NULL DEFAULT 0,
	v5 BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (figure, day, office, channel)
);

-- The days of a figure that fg_daily holds (a day without rows counted nothing), with the
-- provider's columns when it was summarised (a figure whose columns changed is counted live until
-- it is summarised again) and when the count began.
CREATE TABLE fg_days (
	figure TEXT NOT NULL,
	day TEXT NOT NULL,
	cols TEXT NOT NULL,
	built_at BIGINT NOT NULL,
	PRIMARY KEY (figure, day)
);

-- One row: which node runs the summary job now (a lease until until_at, so two nodes do not
-- count the same days at once) and how far back the rolling re-check of older days has come.
CREATE TABLE fg_summary (
	name TEXT PRIMARY KEY,
	holder TEXT NOT NULL DEFAULT '',
	until_at BIGINT NOT NULL DEFAULT 0,
	cursor_day TEXT NOT NULL DEFAULT '',
	last_run BIGINT NOT NULL DEFAULT 0,      -- when the last whole run began
	runs BIGINT NOT NULL DEFAULT 0           -- whole runs so far
);
INSERT INTO fg_summary (name) VALUES ('daily');
