-- The daily summary of the additive table figures (docs/figures.md, "Daily summary"): what a
-- provider with CAP_FIG_ADDITIVE answered for one local day, unfiltered, per key (a band, a
-- language, a procedure code: its rows with cap_fig_out_t.days), office and channel ('' when it gives none). The
-- days held are in fg_days, as for the series.
CREATE TABLE fg_daily_label (
	figure TEXT NOT NULL,
	day TEXT NOT NULL,
	label TEXT NOT NULL,
	office TEXT NOT NULL,
	channel TEXT NOT NULL,
	v0 BIGINT NOT NULL DEFAULT 0,
	v1 BIGINT NOT NULL DEFAULT 0,
	v2 BIGINT NOT NULL DEFAULT 0,
	v3 BIGINT NOT NULL DEFAULT 0,
	v4 BIGINT NOT NULL DEFAULT 0,
	v5 BIGINT NOT NULL DEFAULT 0,
	PRIMARY KEY (figure, day, label, office, channel)
);
