{# render/shared_event_id_hashes.sql — var('shared_event_id_hashes') of the
   contract usage_events_key_unique in `tenure render`'s script: the hashes
   more than one event id has, found by the engine itself (`tenure check`
   finds them in C, in bounded memory: warehouse/shared_hashes.c). #}
(SELECT {{ hash64('event_id') }} AS id_hash
 FROM {{ source('raw', 'usage_events') }}
 GROUP BY {{ hash64('event_id') }}
 HAVING count(*) > 1) AS shared_event_id_hashes
