INSERT INTO customers (id, email, name) VALUES ('10000000-0000-0000-0000-000000000001', 'billing@acme.test', 'Acme');
INSERT INTO plans (code, name, amount, currency) VALUES ('pro', 'Pro', 29.00, 'EUR'), ('team', 'Team', 99.50, 'USD');
INSERT INTO subscriptions (id, customer_id, plan_id, status) VALUES ('20000000-0000-0000-0000-000000000001', '10000000-0000-0000-0000-000000000001', 1, 'active');
INSERT INTO invoices (id, subscription_id, customer_id, number, status, currency, total) VALUES ('30000000-0000-0000-0000-000000000001', '20000000-0000-0000-0000-000000000001', '10000000-0000-0000-0000-000000000001', 'INV-0001', 'open', 'EUR', 29.00);
