INSERT INTO periods (ledger_id, label, opens_at, closes_at) VALUES (1, '2024-01', '2024-01-01T00:00:00Z', '2024-02-01T00:00:00Z');
