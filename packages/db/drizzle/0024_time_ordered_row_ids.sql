-- Time-ordered ids for runs and messages (UUID version 7, RFC 9562; packages/db/src/row-ids.ts makes the same in the
-- application). A run's id keys its row, its summary and its steps; a message's id its row. With random ids each
-- insert landed on a random page of every one of those indexes, and a cohort's thousand members were a thousand
-- pages apart: a batch's update read a page per member, and once the indexes outgrew shared buffers every checkpoint
-- made each first touch of a page write a full image of it to the WAL. Ids made together are neighbours instead.
-- Layout: 48 bits of Unix milliseconds, then the random bits of gen_random_uuid() with its version set to 7
-- (0100 -> 0111: bits 52 and 53, counting from the least significant bit of the first byte); its variant stays.
CREATE OR REPLACE FUNCTION time_ordered_uuid() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    set_bit(
      set_bit(
        overlay(uuid_send(gen_random_uuid())
          PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
          FROM 1 FOR 6),
        52, 1),
      53, 1),
    'hex')::uuid
$$;--> statement-breakpoint
ALTER TABLE "messages" ALTER COLUMN "id" SET DEFAULT time_ordered_uuid();--> statement-breakpoint
ALTER TABLE "runs" ALTER COLUMN "id" SET DEFAULT time_ordered_uuid();