-- The legal notice, the privacy policy and the accessibility statement as the city wrote them, one
-- row per document and language (no row: the text that ships, locale/legal). Owned by src/legal/.

CREATE TABLE legal_texts (
	doc TEXT NOT NULL CHECK (doc IN ('notice', 'privacy', 'accessibility')),
	lang TEXT NOT NULL,
	body TEXT NOT NULL,
	updated_at BIGINT NOT NULL,
	updated_by TEXT NOT NULL,               -- the admin's e-mail
	PRIMARY KEY (doc, lang)
);
