INSERT INTO invoice_line_items (invoice_id, description, quantity, unit_amount, amount) VALUES ('30000000-0000-0000-0000-000000000001', 'Pro plan', 1, 29.00, 29.00);
