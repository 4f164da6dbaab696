// CNNG: the parts of libnng (Debian's libnng-dev 1.5.x) that Swift imports.
//
// nng.h alone declares the core API; each protocol and transport option lives in its own
// header, so this shim gathers the ones the suite uses. Debian ships no nng.pc, hence the
// module map links "nng" by name. No logic lives here: Swift calls libnng directly.
#ifndef CNNG_H
#define CNNG_H

#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/protocol/reqrep0/rep.h>
#include <nng/protocol/reqrep0/req.h>
#include <nng/supplemental/http/http.h>
#include <nng/supplemental/tls/tls.h>
#include <nng/transport/tls/tls.h>

#endif
