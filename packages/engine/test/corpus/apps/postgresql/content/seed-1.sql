INSERT INTO authors (handle, display_name) VALUES ('ada', 'Ada Lovelace');
INSERT INTO posts (author_id, title, slug, body, keywords, published) VALUES (1, 'Notes on the Engine', 'notes-on-the-engine', 'The analytical engine weaves algebraic patterns.', ARRAY['engine','math'], true), (1, 'Draft', 'draft', '', DEFAULT, false);
INSERT INTO tags (name) VALUES ('history'), ('math');
INSERT INTO post_tags (post_id, tag_id) VALUES (1, 1), (1, 2);
