/* tests/spec_example.h - the connection object of the spec's example list
   response (global-connections.md section 6), as one C string, shared by the
   reader tests and the benchmarks so that they read the same bytes. */
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
#endif
