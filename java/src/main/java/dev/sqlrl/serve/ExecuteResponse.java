package dev.sqlrl.serve;

import java.util.List;

/**
 * Rows of a query that passed validation and ran in the sandbox.
 *
 * @param truncated whether rows beyond max_rows were left out
 */
public record ExecuteResponse(List<String> columns, List<List<Object>> rows, boolean truncated, double executeMs) {}
