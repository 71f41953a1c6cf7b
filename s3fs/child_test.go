package s3fs_test

// childEnv, when set, makes the test binary a child process of a crash
// test (see crash_test.go) instead of running tests.
const childEnv = "TEMPFS_S3_CHILD"

func childMain() int { return 2 }
