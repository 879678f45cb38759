package dev.sluice.zendesk;

import dev.sluice.SluiceException;
import java.util.List;

/**
 * The mapping does not fit the Zendesk resource: a field that is neither a standard attribute nor
 * an active custom field, a lookup field, the key written as a field. Thrown when a run opens,
 * before anything is sent; the message lists every problem.
 */
public final class ZendeskSchemaException extends SluiceException {

  private static final long serialVersionUID = 1L;

  /** Every problem found, one per entry. */
  private final List<String> problems;

  ZendeskSchemaException(String resource, List<String> problems) {
    super("the mapping does not fit Zendesk " + resource + ": " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** {@return each problem, one sentence each} */
  public List<String> problems() {
    return problems;
  }
}
