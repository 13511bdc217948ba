-- 0014: ids of experts, venues and draws in the database's default collation, like every
-- column that references them. 0010/0011 gave them COLLATE "C", so each join with a
-- referencing column compared in "C" and could not use the referencing column's
-- index (the draw's exclusion query took seconds on a pool of 100,000). Pools are
-- sorted by bytes in expert_pool (canonical_pool), never by the database.
ALTER TABLE experts ALTER COLUMN id TYPE text COLLATE "default";
ALTER TABLE venues ALTER COLUMN id TYPE text COLLATE "default";
ALTER TABLE draws ALTER COLUMN id TYPE text COLLATE "default";
