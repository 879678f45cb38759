/**
 * The warehouse as the engine: the state of a sync kept in tables of the warehouse, the diff
 * computed there in SQL so that only changed rows leave it ({@link dev.sluice.warehouse.Warehouse},
 * {@link dev.sluice.warehouse.WarehouseQuery}), and per-record results written back to tables
 * analysts can query ({@code ResultsLog}).
 */
package dev.sluice.warehouse;
