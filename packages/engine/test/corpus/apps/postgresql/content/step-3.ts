import { sql, type SQL } from 'drizzle-orm';
import { boolean, customType, index, integer, pgTable, primaryKey, serial, text, timestamp, uniqueIndex, varchar } from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({
  dataType() {
    return 'tsvector';
  },
});

export const authors = pgTable('authors', {
  id: serial('id').primaryKey(),
  handle: varchar('handle', { length: 40 }).notNull().unique(),
  displayName: text('display_name').notNull(),
});

export const posts = pgTable(
  'posts',
  {
    id: serial('id').primaryKey(),
    authorId: integer('author_id')
      .notNull()
      .references(() => authors.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    slug: varchar('slug', { length: 160 }).notNull(),
    body: text('body').notNull().default(''),
    keywords: text('keywords').array().notNull().default(sql`ARRAY[]::text[]`),
    published: boolean('published').notNull().default(false),
    viewCount: integer('view_count').notNull().default(0),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    search: tsvector('search').generatedAlwaysAs(
      (): SQL => sql`to_tsvector('english', coalesce(${posts.title}, '') || ' ' || coalesce(${posts.body}, ''))`,
    ),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('posts_slug_idx').on(t.slug),
    index('posts_title_lower_idx').on(sql`lower(${t.title})`),
    index('posts_search_idx').using('gin', t.search),
    index('posts_keywords_idx').using('gin', t.keywords),
    index('posts_author_published_idx').on(t.authorId, t.publishedAt.desc()),
  ],
);

export const tags = pgTable('tags', {
  id: serial('id').primaryKey(),
  name: varchar('name', { length: 50 }).notNull().unique(),
});

export const postTags = pgTable(
  'post_tags',
  {
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    tagId: integer('tag_id')
      .notNull()
      .references(() => tags.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.postId, t.tagId] }), index('post_tags_tag_id_idx').on(t.tagId)],
);

export const comments = pgTable(
  'comments',
  {
    id: serial('id').primaryKey(),
    postId: integer('post_id')
      .notNull()
      .references(() => posts.id, { onDelete: 'cascade' }),
    authorName: varchar('author_name', { length: 80 }).notNull(),
    body: text('body').notNull(),
    flags: text('flags').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('comments_post_id_idx').on(t.postId), index('comments_flags_idx').using('gin', t.flags)],
);
