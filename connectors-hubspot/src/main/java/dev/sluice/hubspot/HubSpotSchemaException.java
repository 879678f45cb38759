package dev.sluice.hubspot;

import dev.sluice.SluiceException;
import java.util.List;

/**
 * The mapping does not fit the HubSpot object's properties: a field that is not a property, a
 * read-only or calculated property, an id property without unique values. Thrown when a run
 * opens, before anything is sent; the message lists every problem.
 */
public final class HubSpotSchemaException extends SluiceException {

  private static final long serialVersionUID = 1L;

  /** Every problem found, one per entry. */
  private final List<String> problems;

  HubSpotSchemaException(String objectType, List<String> problems) {
    super("the mapping does not fit HubSpot " + objectType + ": " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  /** {@return each problem, one sentence each} */
  public List<String> problems() {
    return problems;
  }
}
