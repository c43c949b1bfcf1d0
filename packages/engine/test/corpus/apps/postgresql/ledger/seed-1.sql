INSERT INTO ledgers (name) VALUES ('Main');
INSERT INTO accounts (ledger_id, code, name) VALUES (1, '1000', 'Cash'), (1, '4000', 'Revenue');
INSERT INTO journal_entries (ledger_id, memo) VALUES (1, 'Opening sale');
INSERT INTO postings (entry_id, account_id, amount_minor) VALUES (1, 1, 2500), (1, 2, -2500);
