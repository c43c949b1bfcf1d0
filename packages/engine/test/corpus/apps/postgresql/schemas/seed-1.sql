INSERT INTO auth.users (id, email, display_name) VALUES (1, 'ada@example.com', 'Ada'), (2, 'alan@example.com', NULL);
INSERT INTO auth.sessions (user_id, expires_at) VALUES (1, '2030-01-01T00:00:00Z');
