INSERT INTO audit.events (user_id, action) VALUES (1, 'login');
