package dev.sluice.salesforce;

import dev.sluice.SluiceException;
import java.util.List;

/**
 * The mapping does not fit the sObject: a field it does not have, a field the mode cannot write,
 * an external-ID field that is not one, a required field left out of an insert. Thrown when a run
 * opens, before anything is sent; the message lists every problem.
 */
public final class SalesforceSchemaException extends SluiceException {

  /** Serialization version. */
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  SalesforceSchemaException(String sobject, List<String> problems) {
    super("the mapping does not fit Salesforce " + sobject + ": " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /**
   * Each problem, one sentence each.
   *
   * @return the problems
   */
  public List<String> problems() {
    return problems;
  }
}
