CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers(id), amount REAL, order_date DATE);
INSERT INTO customers VALUES (1, 'Ana', 'France'), (2, 'Bo', 'Germany'), (3, 'Chen', 'Germany'), (4, 'Dara', 'France');
INSERT INTO orders VALUES (1, 1, 10.5, '2024-01-02'), (2, 2, 99.0, '2024-01-03'), (3, 3, 5.25, '2024-02-01'), (4, 2, 1.0, '2024-02-03');
