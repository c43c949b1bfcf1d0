INSERT INTO comments (post_id, author_name, body) VALUES (1, 'Charles', 'Splendid.');
