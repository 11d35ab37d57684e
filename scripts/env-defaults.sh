# Sourced by the other scripts: the defaults for a machine where memgrade runs its own services.
# Whatever the user exported wins; MEMGRADE_OWN_POSTGRES / MEMGRADE_OWN_REDIS record that the
# defaults are in use, so bring-up may install and start those services itself.
MEMGRADE_DEFAULT_DATABASE_URL='postgresql://memgrade:memgrade@127.0.0.1:5432/memgrade'
MEMGRADE_DEFAULT_REDIS_URL='redis://127.0.0.1:6379'
if [[ -z "${DATABASE_URL:-}" ]]; then
  export DATABASE_URL="$MEMGRADE_DEFAULT_DATABASE_URL" MEMGRADE_OWN_POSTGRES=1
fi
if [[ -z "${REDIS_URL:-}" ]]; then
  export REDIS_URL="$MEMGRADE_DEFAULT_REDIS_URL" MEMGRADE_OWN_REDIS=1
fi
