UPDATE subscriptions SET current_period_end = '2030-01-31T00:00:00Z';
