INSERT INTO audit_log (tenant_id, entity, entity_id) VALUES (1, 'actor', '2');
INSERT INTO audit_log (tenant_id, entity, entity_id, version, previous_id) VALUES (1, 'actor', '2', 2, 1);
