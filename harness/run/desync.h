/* desync.h — request smuggling / desync on a kept-alive connection (the
 * wire_* faults, docs/faults.md "Desync detection"). Internal to run/. */
#ifndef GT_RUN_DESYNC_H
#define GT_RUN_DESYNC_H

#include "../check/check.h"
#include "../fault/fault.h"

/* Judges the answers a raw-mode case got on its connection (resp->answers,
 * resp->conn_open) against what the framing of the bytes sent allows, and
 * adds a GT_CHECK_SMUGGLING (`request_smuggling`) failure naming the bytes
 * sent (req->raw_note) and every answer received. probe_status: the status
 * the liveness request got on a connection of its own, 0 when unknown (the
 * answer to the pipelined copy of it must be the same). */
void gt_judge_desync(const gt_case *c, const gt_http_request *req, const gt_http_response *resp,
                     int probe_status, gt_failures *f);

#endif
