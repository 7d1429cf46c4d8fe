CREATE TABLE supplier (supplier_id INTEGER PRIMARY KEY, name TEXT, city TEXT);
CREATE TABLE product (product_id INTEGER, sku TEXT, name TEXT, price NUMERIC, stock INTEGER,
  supplier_id INTEGER, PRIMARY KEY (product_id, sku), FOREIGN KEY (supplier_id) REFERENCES supplier);
INSERT INTO supplier VALUES (1, 'Acme', 'Lyon'), (2, 'Globex', 'Paris');
INSERT INTO product VALUES (1, 'A1', 'Bolt', 0.1, 100, 1), (2, 'B2', 'Nut', 0.05, 0, 1), (3, 'C3', 'Drill', 59.9, 3, 2);
