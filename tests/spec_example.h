/* tests/spec_example.h - example texts of the server contract (README.md,
   "Server contract"), shared by the tests and the benchmarks so that they read
   and write the same bytes: one connection as an item of the `data` array that
   GET /v1/global-connections answers, as one C string, and an upsert body for
   POST /v1/global-connections. Include after apconn.h. */
#ifndef APCONN_TEST_SPEC_EXAMPLE_H
#define APCONN_TEST_SPEC_EXAMPLE_H
#define SPEC_ITEM                                                                                              \
    "{\"id\":\"AbCdEfGhIjKlMnOpQrStU\",\"created\":\"2025-01-02T03:04:05.000Z\","                              \
    "\"updated\":\"2025-01-02T03:04:05.000Z\",\"externalId\":\"acme_slack\",\"displayName\":\"Acme Slack\","   \
    "\"type\":\"SECRET_TEXT\",\"pieceName\":\"@activepieces/piece-slack\",\"projectIds\":[\"Kp3Wn8ZrQa1Lm5Tx7Vb2C\"]," \
    "\"platformId\":\"Pl4tF0rmId000000000aa\",\"scope\":\"PLATFORM\",\"status\":\"ACTIVE\",\"ownerId\":\"U5er0000000000000000a\"," \
    "\"owner\":{\"id\":\"U5er0000000000000000a\",\"email\":\"admin@acme.io\",\"firstName\":\"Ada\",\"lastName\":\"Li\"," \
    "\"status\":\"ACTIVE\",\"platformRole\":\"ADMIN\",\"externalId\":null,\"platformId\":\"Pl4tF0rmId000000000aa\","  \
    "\"created\":\"2024-06-01T00:00:00.000Z\",\"updated\":\"2024-06-01T00:00:00.000Z\"},"                         \
    "\"metadata\":null,\"flowIds\":[],\"pieceVersion\":\"0.9.1\",\"preSelectForNewProjects\":false,"           \
    "\"usingSecretManager\":false}"

/* The example upsert body (POST /v1/global-connections), through the writer.
   The writer test and the write benchmark use the same document. static
   inline: a file that includes this and does not call it gets no warning. */
static inline void spec_write_upsert_body(apconn_json_writer *w) {
    apconn_json_object_begin(w);
    apconn_json_key(w, "displayName"); apconn_json_string(w, "Acme Slack");
    apconn_json_key(w, "pieceName"); apconn_json_string(w, "@activepieces/piece-slack");
    apconn_json_key(w, "type"); apconn_json_string(w, "SECRET_TEXT");
    apconn_json_key(w, "value"); apconn_json_object_begin(w);
    apconn_json_key(w, "type"); apconn_json_string(w, "SECRET_TEXT");
    apconn_json_key(w, "secret_text"); apconn_json_string(w, "xoxb-123");
    apconn_json_object_end(w);
    apconn_json_key(w, "scope"); apconn_json_string(w, "PLATFORM");
    apconn_json_key(w, "projectIds"); apconn_json_array_begin(w);
    apconn_json_string(w, "Kp3Wn8ZrQa1Lm5Tx7Vb2C"); apconn_json_array_end(w);
    apconn_json_key(w, "externalId"); apconn_json_string(w, "acme_slack");
    apconn_json_object_end(w);
}
#endif
