/* borrowed.h — THE table of the node pointers the loader lends from the
 * parsed YAML trees to the model (core/model.h).
 *
 * suite/load_compact.c moves every one of them into the compact arena, and
 * tests/unit/test_suite_compact.c checks every one is an equal copy: both
 * expand these lists, so a pointer added here is moved and tested, and a
 * `const gt_node *` field added to the model but not here dangles once the
 * parsed trees are freed (the ASan run of that test catches it if the test
 * suite sets the field). Each X(field) names a member path of the struct.
 *
 * Collections are walked by hand in both places, the same way: the gt_expect
 * of profile `faults.default[*]`, `fault_expect[*]`, and of a scenario's
 * `expect`, `faults[*]` and `poll.until`; and the JSONPath entries of an
 * expectation, whose `src` borrows the text of the map's KEY node (that key's
 * aux owns the compiled path; the loader notes the keys in L->jsonpath_keys
 * because an entry does not point at its key).
 *
 * Everything else in the model is owned (names, tags, capture sources,
 * required paths, compiled paths) or points at suite->file / suite->files. */
#ifndef GT_SUITE_BORROWED_H
#define GT_SUITE_BORROWED_H

/* gt_suite */
#define GT_SUITE_BORROWED(X) X(base_url) X(default_headers)

/* gt_profile */
#define GT_PROFILE_BORROWED(X)                                                                     \
  X(auth.token)                                                                                    \
  X(auth.jwt_secret)                                                                               \
  X(auth.jwt_claims)                                                                               \
  X(transport.headers)                                                                             \
  X(transport.content_type_match)                                                                  \
  X(errors.shape)                                                                                  \
  X(errors.answers)                                                                                \
  X(envelope)                                                                                      \
  X(limits.rate_limit)                                                                             \
  X(liveness.method)                                                                               \
  X(liveness.path)                                                                                 \
  X(liveness.query)                                                                                \
  X(liveness.headers)

/* Also gt_profile, outside the table because no one profile sets it with
 * the rest (scheme query has params and no token): auth.params. Moved and
 * tested on its own (load_compact.c, test_suite_compact.c). */

/* gt_scenario */
#define GT_SCENARIO_BORROWED(X)                                                                    \
  X(request.method)                                                                                \
  X(request.path)                                                                                  \
  X(request.query)                                                                                 \
  X(request.headers)                                                                               \
  X(request.body)                                                                                  \
  X(request.auth_with.token)                                                                       \
  X(request.auth_with.mint)                                                                        \
  X(checks.content_type_match)                                                                     \
  X(respond)

/* gt_expect (besides its jsonpath entries; the expectations of if_status
 * hang on its keys and are moved first, by hand) */
#define GT_EXPECT_BORROWED(X) X(headers) X(json) X(body) X(if_status)

#endif
