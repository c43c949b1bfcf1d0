INSERT INTO organisation (id, name, slug) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme', 'acme');
INSERT INTO membership (organisation_id, user_id, role) VALUES ('00000000-0000-0000-0000-000000000001', 'u1', 'owner'), ('00000000-0000-0000-0000-000000000001', 'u2', 'member');
UPDATE "user" SET image = 'https://example.com/ada.png' WHERE id = 'u1';
