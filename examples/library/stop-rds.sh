#!/usr/bin/env bash
# Escher Library sample: stop one RDS instance.
set -euo pipefail
aws rds stop-db-instance --db-instance-identifier "${DB_INSTANCE:?set DB_INSTANCE}"
