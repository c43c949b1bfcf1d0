INSERT INTO "user" (id, name, email) VALUES ('u1', 'Ada', 'ada@example.com'), ('u2', 'Grace', 'grace@example.com');
INSERT INTO account ("userId", type, provider, "providerAccountId") VALUES ('u1', 'oauth', 'github', 'gh-1');
INSERT INTO session ("sessionToken", "userId", expires) VALUES ('s1', 'u1', '2030-01-01 00:00:00'), ('s2', 'u2', '2030-01-02 00:00:00');
INSERT INTO authenticator ("credentialID", "userId", "providerAccountId", "credentialPublicKey", counter, "credentialDeviceType", "credentialBackedUp") VALUES ('cred-1', 'u1', 'gh-1', 'pk', 3, 'singleDevice', false);
