// The starter stub of exercise `goidcache`: what `make exercise EX=goidcache` puts between
// the runtime's markers of the same name (`// ANCHOR: exercise-goidcache...`).

// ANCHOR: exercise-goidcache
// TODO(exercise goidcache): give newg its goid from pp's cache. When the cache
// is used up (goidcache == goidcacheend), take the next batch of
// _GoidCacheBatch ids from sched.goidgen, the last id handed out so far: the
// batch is goidgen+1 ..= goidgen+_GoidCacheBatch. Then newg gets the cache's
// next id, and the cache moves on. The first goroutine gets goid 1.
if true {
    crate::base::print::throw("exercise goidcache: not implemented");
}
// ANCHOR_END: exercise-goidcache
