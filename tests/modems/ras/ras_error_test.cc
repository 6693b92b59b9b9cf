#include "dialsoak/ras/ras_error.h"

#include <gtest/gtest.h>

namespace dialsoak::ras {
namespace {

TEST(RasErrorTest, MapsTheFourCallOutcomes) {
  EXPECT_EQ(RasErrorResult(676), CallResult::Busy);
  EXPECT_EQ(RasErrorResult(678), CallResult::NoAnswer);
  EXPECT_EQ(RasErrorResult(679), CallResult::NoCarrier);
  EXPECT_EQ(RasErrorResult(680), CallResult::NoDialtone);
}

TEST(RasErrorTest, AnyOtherCodeIsAnError) {
  for (std::uint32_t code : {1u, 600u, 628u, 677u, 691u, 692u, 718u, 797u}) {
    EXPECT_EQ(RasErrorResult(code), CallResult::Error) << code;
  }
}

TEST(RasErrorTest, DetailHasTheCodeAndItsText) {
  EXPECT_EQ(RasErrorDetail(691,
                           "Access was denied because the username and/or password was invalid "
                           "on the domain.\r\n"),
            "RAS error 691: Access was denied because the username and/or password was invalid "
            "on the domain");
  EXPECT_EQ(RasErrorDetail(676, "The line is busy."), "RAS error 676: The line is busy");
}

TEST(RasErrorTest, DetailWithoutTextSaysSo) {
  EXPECT_EQ(RasErrorDetail(692, ""), "RAS error 692 (no error text)");
  EXPECT_EQ(RasErrorDetail(692, " .\r\n"), "RAS error 692 (no error text)");
}

}  // namespace
}  // namespace dialsoak::ras
