INSERT INTO tenants (name) VALUES ('acme');
INSERT INTO actors (tenant_id, external_ref) VALUES (1, 'boss');
INSERT INTO actors (tenant_id, external_ref, manager_id) VALUES (1, 'worker', 1);
INSERT INTO events (tenant_id, actor_id, name, severity, duration_ms, occurred_at, occurred_on, local_time) VALUES (1, 2, 'login', 1, 12.5, '2024-05-01T10:00:00.123Z', '2024-05-01', '10:00:00');
