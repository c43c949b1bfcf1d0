INSERT INTO "user" (id, name, email) VALUES ('u1', 'Ada', 'ada@example.com'), ('u2', 'Grace', 'grace@example.com');
INSERT INTO organisations (id, name, slug) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme', 'acme');
INSERT INTO memberships (organisation_id, user_id, role) VALUES ('00000000-0000-0000-0000-000000000001', 'u1', 'owner'), ('00000000-0000-0000-0000-000000000001', 'u2', 'member');
INSERT INTO account ("userId", type, provider, "providerAccountId") VALUES ('u1', 'oauth', 'github', 'gh-1');
