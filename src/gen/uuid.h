/*
 * uuid.h — random (version 4) UUIDs as text, RFC 9562 §5.4.
 */
#ifndef TN_GEN_UUID_H
#define TN_GEN_UUID_H

#include <stdint.h>

#define TN_UUID_TEXT_LENGTH 36

/*
 * Writes the UUID whose 128 bits are (high, low), with the version (4) and
 * variant (10) bits forced, as 36 lower-case characters
 * "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" into `out` (no NUL is written).
 */
void tn_uuid_format(uint64_t high, uint64_t low, char *out);

#endif
