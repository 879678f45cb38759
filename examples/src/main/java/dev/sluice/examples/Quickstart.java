package dev.sluice.examples;

import dev.sluice.Record;
import dev.sluice.RecordShape;
import dev.sluice.Sync;
import dev.sluice.SyncMode;
import dev.sluice.SyncReport;
import dev.sluice.map.Convert;
import dev.sluice.map.Mapping;
import dev.sluice.source.Source;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The quickstart: a customers table (generated in memory) synced to a destination that prints what
 * it receives. Three runs show the diff at work: everything on the first, only the changes on the
 * second, nothing on the third.
 */
public final class Quickstart {

  static final int CUSTOMERS = 10_000;
  private static final RecordShape COLUMNS =
      RecordShape.of("id", "email", "name", "plan", "lifetime_value", "lead_score", "updated_at");
  private static final String[] PLANS = {"free", "starter", "pro", "enterprise"};

  private Quickstart() {}

  public static void main(String[] args) {
    run(System.out);
  }

  static void run(PrintStream out) {
    List<Record> customers = new ArrayList<>();
    for (int i = 1; i <= CUSTOMERS; i++) {
      customers.add(customer(i, PLANS[i % PLANS.length], i * 31 % 100));
    }

    Mapping mapping = Mapping.builder()
        .copy("email")
        .rename("name", "full_name")
        .copy("plan")
        .convert("lifetime_value", "ltv", Convert.toDecimal(2))
        .rename("lead_score", "score")
        .require("email")
        .build();
    PrintingDestination crm = new PrintingDestination(out);
    Sync sync = Sync.from(Source.of(customers))
        .map(mapping)
        .to(crm)
        .named("customers-to-crm")
        .mode(SyncMode.MIRROR)
        .build();

    out.println("Run 1: first sync of " + CUSTOMERS + " customers");
    print(out, sync.run(), crm);

    out.println();
    out.println("Changing 3 customers, removing 1, adding 1 ...");
    customers.set(0, customer(1, "enterprise", 99));
    customers.set(1, customer(2, "pro", 88));
    customers.set(2, customer(3, "pro", 77));
    customers.remove(customers.size() - 1);
    customers.add(customer(CUSTOMERS + 1, "free", 5));
    out.println("Run 2: only the changes go out");
    print(out, sync.run(), crm);

    out.println();
    out.println("Run 3: nothing changed");
    print(out, sync.run(), crm);

    out.println();
    out.println("The destination holds " + crm.size() + " customers.");
  }

  private static Record customer(int id, String plan, int score) {
    return COLUMNS.record(Integer.toString(id),
        id,
        "customer" + id + "@example.com",
        "Customer " + id,
        plan,
        BigDecimal.valueOf(id * 1234L % 100_000, 2),
        score,
        Instant.parse("2026-01-01T00:00:00Z").plusSeconds(id));
  }

  private static void print(PrintStream out, SyncReport report, PrintingDestination crm) {
    crm.printReceived();
    out.printf("  %s: read %d, added %d, updated %d, deleted %d, unchanged %d, delivered %d, failed %d%n",
        report.status(), report.read(), report.added(), report.updated(), report.deleted(), report.unchanged(),
        report.delivered(), report.failed());
  }
}
