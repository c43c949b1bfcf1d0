/**
 * create products
 *
 * Revision ID: c0ffee000001
 * Parents: none (base revision)
 * Create Date: 2026-11-26T13:44:52.561Z
 */
import { revision, type CreateTableOptions, type IndexDescription } from '@strata/engine';

const products: CreateTableOptions = {
  columns: [
    { name: 'id', type: 'integer', nullable: false, autoIncrement: true },
    { name: 'sku', type: 'text', nullable: false },
    { name: 'title', type: 'text', nullable: false },
    { name: 'price', type: 'real', nullable: false },
    { name: 'active', type: 'integer', nullable: false, default: '1' },
  ],
  primaryKey: { columns: ['id'] },
  checkConstraints: [
    { name: 'products_price_positive', expression: 'products.price > 0' },
  ],
};
const productsActivePriceIdx: IndexDescription = { name: 'products_active_price_idx', columns: ['active', 'price'] };
const productsSkuUnique: IndexDescription = { name: 'products_sku_unique', columns: ['sku'], unique: true };

export default revision({
  id: 'c0ffee000001',
  parents: [],
  message: 'create products',
  dependsOn: ['shared-db@8e3f61c2a0b7'],
  async upgrade({ op, inspect }) {
    if (!(await inspect.hasTable('products', products))) await op.createTable('products', products);
    if (!(await inspect.hasIndex('products', productsActivePriceIdx))) await op.createIndex(productsActivePriceIdx.name, 'products', productsActivePriceIdx.columns);
    if (!(await inspect.hasIndex('products', productsSkuUnique))) await op.createIndex(productsSkuUnique.name, 'products', productsSkuUnique.columns, productsSkuUnique);
  },
  async downgrade({ op, inspect }) {
    if (await inspect.hasTable('products')) await op.dropTable('products');
  },
});
