/** `@wakeflow/catalog/dry-run`: the dry-run node services and the preview of one customer's path built on them. */
export * from './dry-run-services';
export * from './preview';
export * from './launch-estimate';
