UPDATE "user" SET "deletedAt" = now() WHERE id = 'u2';
INSERT INTO "user" (id, name, email) VALUES ('u3', 'Grace again', 'grace@example.com');
