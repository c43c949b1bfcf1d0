INSERT INTO billing.invoices (id, user_id, status, amount_cents) VALUES (10, 1, 'paid', 1500), (11, 2, 'open', 700);
