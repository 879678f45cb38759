-- Golden SQL of the warehouse engine for DUCKDB

-- create the schema and tables
create schema if not exists "sluice";
create table if not exists "sluice"."sluice_sync" (sync_name varchar(200) not null, fingerprint varchar(64), lock_owner varchar(64), locked_at timestamp, committed_at timestamp, primary key (sync_name));
create table if not exists "sluice"."sluice_state" (sync_name varchar(200) not null, record_key varchar(2000) not null, hash varchar(16) not null, primary key (sync_name, record_key));
create table if not exists "sluice"."sluice_state_staged" (sync_name varchar(200) not null, record_key varchar(2000) not null, hash varchar(16), deleted boolean not null, primary key (sync_name, record_key));

-- changes: only new, changed, previously failed or duplicated keys leave the warehouse
with sluice_hashed as (select cast("q"."id" as varchar) as "sluice_key", "q"."email" as "email", "q"."full_name" as "name", cast("q"."lifetime_value" as decimal(12, 2)) as "ltv", "q"."updated_at" as "updated_at", cast('warehouse' as varchar) as "source", substr(md5('92ed3b6cc69494af:' || coalesce(cast(length("q"."email") as varchar) || ':' || "q"."email", 'n') || coalesce(cast(length("q"."full_name") as varchar) || ':' || "q"."full_name", 'n') || coalesce(cast(cast("q"."lifetime_value" as decimal(12, 2)) as varchar) || ';', 'n') || coalesce(cast(epoch_us("q"."updated_at") as varchar) || ';', 'n') || coalesce(cast(length(cast('warehouse' as varchar)) as varchar) || ':' || cast('warehouse' as varchar), 'n')), 1, 16) as "sluice_hash" from (select * from mart.customers where region = ?) as q), sluice_previous_state as (select record_key, hash from "sluice"."sluice_state" where sync_name = ?) select "c"."sluice_key", "c"."sluice_hash", "c"."sluice_previous", "c"."sluice_copies", "c"."email", "c"."name", "c"."ltv", "c"."updated_at", "c"."source" from (select sluice_hashed.*, sluice_previous_state.hash as "sluice_previous", count(*) over (partition by "sluice_hashed"."sluice_key") as "sluice_copies" from sluice_hashed left join sluice_previous_state on sluice_previous_state.record_key = "sluice_hashed"."sluice_key") as c where "c"."sluice_previous" is null or "c"."sluice_previous" <> "c"."sluice_hash" or "c"."sluice_copies" > 1;

-- changes after a fingerprint change: every row
with sluice_hashed as (select cast("q"."id" as varchar) as "sluice_key", "q"."email" as "email", "q"."full_name" as "name", cast("q"."lifetime_value" as decimal(12, 2)) as "ltv", "q"."updated_at" as "updated_at", cast('warehouse' as varchar) as "source", substr(md5('92ed3b6cc69494af:' || coalesce(cast(length("q"."email") as varchar) || ':' || "q"."email", 'n') || coalesce(cast(length("q"."full_name") as varchar) || ':' || "q"."full_name", 'n') || coalesce(cast(cast("q"."lifetime_value" as decimal(12, 2)) as varchar) || ';', 'n') || coalesce(cast(epoch_us("q"."updated_at") as varchar) || ';', 'n') || coalesce(cast(length(cast('warehouse' as varchar)) as varchar) || ':' || cast('warehouse' as varchar), 'n')), 1, 16) as "sluice_hash" from (select * from mart.customers where region = ?) as q), sluice_previous_state as (select record_key, hash from "sluice"."sluice_state" where sync_name = ?) select "c"."sluice_key", "c"."sluice_hash", "c"."sluice_previous", "c"."sluice_copies", "c"."email", "c"."name", "c"."ltv", "c"."updated_at", "c"."source" from (select sluice_hashed.*, sluice_previous_state.hash as "sluice_previous", count(*) over (partition by "sluice_hashed"."sluice_key") as "sluice_copies" from sluice_hashed left join sluice_previous_state on sluice_previous_state.record_key = "sluice_hashed"."sluice_key") as c;

-- deletes (MIRROR), after the changes were read to their end
select t.record_key, t.hash from "sluice"."sluice_state" t where t.sync_name = ? and not exists (select 1 from (select * from mart.customers where region = ?) as q where cast("q"."id" as varchar) = t.record_key);

-- composite key text
replace(replace(cast("q"."id" as varchar), '\', '\\'), '|', '\|') || '|' || replace(replace("q"."email", '\', '\\'), '|', '\|');

-- stage two confirmed outcomes
insert into "sluice"."sluice_state_staged" (sync_name, record_key, hash, deleted) values (?, ?, ?, ?), (?, ?, ?, ?) on conflict (sync_name, record_key) do update set hash = excluded.hash, deleted = excluded.deleted;

-- merge the staged outcomes into the state
merge into "sluice"."sluice_state" t using (select record_key, hash, deleted from "sluice"."sluice_state_staged" where sync_name = ?) s on t.sync_name = ? and t.record_key = s.record_key when matched and s.deleted then delete when matched then update set hash = s.hash when not matched and not s.deleted then insert (sync_name, record_key, hash) values (?, s.record_key, s.hash);

-- take the lease
update "sluice"."sluice_sync" set lock_owner = ?, locked_at = ? where sync_name = ? and (lock_owner is null or locked_at < ?);

-- state in key order
select record_key, hash from "sluice"."sluice_state" where sync_name = ? order by record_key;
