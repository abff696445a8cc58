// The hash unit tests use the shared test-support library as is.
#pragma once

#include "hmtest.hpp"
