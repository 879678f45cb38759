package dev.sluice.salesforce;

class CollectionsContractTest extends SalesforceContract {
  @Override
  Salesforce.Path path() {
    return Salesforce.Path.COLLECTIONS;
  }
}
